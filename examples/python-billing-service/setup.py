from setuptools import find_packages, setup

setup(
    name="contoso-billing",
    version="2.3.1",
    description="Azure consumption import and invoicing",
    packages=find_packages(exclude=["tests", "tests.*"]),
    python_requires=">=3.6",
    install_requires=[
        "adal>=1.2.2,<2",
        "requests>=2.20",
        "python-dateutil>=2.8",
    ],
    entry_points={"console_scripts": ["billing-admin=billing.admin:main"]},
)
